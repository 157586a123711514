"""How fast and how well duplicate detection works on demo data.

    .venv/bin/python benchmarks/duplicates_scan.py                      # 10,000 and 100,000 customers
    .venv/bin/python benchmarks/duplicates_scan.py --sizes 2000 --drafts 100

For each size: `generate_demo` fills a new SQLite file in a temporary folder
(about 5 % of the customers are deliberate duplicates; DemoResult.duplicates
says of which original), then `find_duplicates` runs at the default threshold
(timed per stage) and once more at the lowest threshold listed, for the
precision/recall table. A reported pair counts as true when both customers
are in the same truth group (duplicate -> original links, taken
transitively); recall is over the duplicate -> original links. Last, the
live warning: `DuplicateIndex.build` once, then `likely_duplicates` for
drafts made from the duplicates (as if someone typed them again).

Prints figures; it asserts nothing (machines are noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.demo import generate_demo
from custtui.models import Customer, Location
from custtui.services.duplicates import (
    CERTAIN,
    POSSIBLE,
    DraftCustomer,
    DuplicateIndex,
    PairScore,
    ScanStats,
    find_duplicates,
)

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


class _Groups:
    """Truth groups: union-find over duplicate -> original links."""

    def __init__(self, links: dict[int, int]) -> None:
        self.parent: dict[int, int] = {}
        for duplicate, original in links.items():
            self.union(duplicate, original)

    def find(self, item: int) -> int:
        while self.parent.get(item, item) != item:
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def same(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)


def _quality(pairs: list[PairScore], truth: dict[int, int], groups: _Groups, threshold: float) -> dict[str, float]:
    reported = [p for p in pairs if p.score >= threshold]
    true_positive = sum(1 for p in reported if groups.same(p.a, p.b))
    found = {(p.a, p.b) for p in reported}
    links = [(min(d, o), max(d, o)) for d, o in truth.items()]
    pair_recall = sum(1 for link in links if link in found) / len(links) if links else 1.0
    # Same cluster: linked through other reported pairs counts too.
    clusters = _Groups({})
    for p in reported:
        clusters.union(p.a, p.b)
    cluster_recall = sum(1 for a, b in links if clusters.same(a, b)) / len(links) if links else 1.0
    # The demo generator gives customers with the same name the same e-mail (first.last@provider,
    # info@<name>.be): such pairs look like duplicates to anyone. Counted apart, for reading.
    lookalikes = sum(
        1 for p in reported
        if not groups.same(p.a, p.b) and {"email", "domain"} & set(p.codes) and any(
            r.code in ("name", "alias") and isinstance(r.value, int) and r.value >= 95 for r in p.reasons
        )
    )
    return {
        "reported": len(reported),
        "precision": true_positive / len(reported) if reported else 1.0,
        "precision_lookalikes_true": (true_positive + lookalikes) / len(reported) if reported else 1.0,
        "pair_recall": pair_recall,
        "cluster_recall": cluster_recall,
        "lookalikes": lookalikes,
    }


def _drafts(session: Session, truth: dict[int, int], count: int, seed: int) -> list[tuple[str, DraftCustomer, int, int]]:
    """(kind, draft, duplicate id, original id): the duplicate typed again, four ways."""
    c, loc = Customer.__table__.c, Location.__table__.c  # type: ignore[attr-defined]
    chosen = random.Random(seed).sample(sorted(truth.items()), min(count, len(truth)))
    result = []
    for index, (duplicate, original) in enumerate(chosen):
        row = session.execute(
            select(c.name, c.internal_name, c.customer_number, c.vat_number, c.email, c.phone).where(c.id == duplicate)
        ).one()
        place = session.execute(
            select(loc.street, loc.number, loc.postal_code, loc.city)
            .where(loc.customer_id == duplicate)
            .order_by(loc.id)
            .limit(1)
        ).first()
        street, number, postal_code, city = place if place else ("", "", "", "")
        name = row.name
        kind = ("partial name + phone", "name + address", "name only", "every field")[index % 4]
        if kind == "partial name + phone":
            draft = DraftCustomer(name=name[: max(4, len(name) * 2 // 3)], phone=row.phone)
        elif kind == "name + address":
            draft = DraftCustomer(name=name, street=street, number=number, postal_code=postal_code, city=city)
        elif kind == "name only":
            draft = DraftCustomer(name=name)
        else:
            draft = DraftCustomer(
                name=name, internal_name=row.internal_name, customer_number=row.customer_number,
                vat_number=row.vat_number, email=row.email, phone=row.phone,
                street=street, number=number, postal_code=postal_code, city=city,
            )
        result.append((kind, draft, duplicate, original))
    return result


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def run(size: int, seed: int, draft_count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        started = time.perf_counter()
        demo = generate_demo(engine, customers=size, seed=seed)
        generated = time.perf_counter() - started
        truth = demo.duplicates
        groups = _Groups(truth)
        print(f"\n== {size:,} customers ({demo.locations:,} locations, {len(truth):,} deliberate duplicates;"
              f" generated in {generated:.1f} s)")

        with Session(engine) as session:
            stats = ScanStats()
            started = time.perf_counter()
            clusters = find_duplicates(session, stats=stats)
            session.commit()
            total = time.perf_counter() - started
            seconds = stats.seconds
            print(f"find_duplicates at the defaults (possible {POSSIBLE}, certain {CERTAIN}), parameters estimated"
                  f" first: {total:.2f} s (load {seconds['load']:.2f}, blocking {seconds['blocking']:.2f},"
                  f" estimate {seconds['estimate']:.2f}, scoring {seconds['scoring']:.2f},"
                  f" clustering {seconds['clustering']:.2f})")
            started = time.perf_counter()
            find_duplicates(session)
            print(f"  again, with the stored parameters: {time.perf_counter() - started:.2f} s")
            print(f"  candidate pairs {stats.candidate_pairs:,} ({stats.candidate_pairs / max(1, size):.2f} per customer),"
                  f" fully scored {stats.scored_pairs:,}, reported {stats.reported_pairs:,}")
            sizes = Counter(len(cluster.customer_ids) for cluster in clusters)
            print(f"  clusters {len(clusters):,}; by size: "
                  + ", ".join(f"{k}: {v:,}" for k, v in sorted(sizes.items())[:6])
                  + (f"; largest {max(sizes)}" if sizes else ""))

            low = min(THRESHOLDS)
            all_pairs = [pair for cluster in find_duplicates(session, min_score=low) for pair in cluster.pairs]
            print("  threshold  reported  precision  recall(pairs)  recall(same cluster)  "
                  "| look-alikes*  precision if those count")
            for threshold in THRESHOLDS:
                q = _quality(all_pairs, truth, groups, threshold)
                mark = {CERTAIN: " <- certain", POSSIBLE: " <- possible"}.get(threshold, "")
                print(f"  {threshold:>9.2f}  {q['reported']:>8,}  {q['precision']:>9.3f}  {q['pair_recall']:>13.4f}"
                      f"  {q['cluster_recall']:>20.4f}  | {q['lookalikes']:>12,}  {q['precision_lookalikes_true']:>8.3f}{mark}")
            print("  * false positives with name or alias >= 95 % and the same e-mail or company mail domain:"
                  " demo customers\n    with the same name get the same address-free e-mail from the generator.")
            wrong = Counter(
                "+".join(sorted(p.codes)) or "-"
                for p in all_pairs if p.score >= CERTAIN and not groups.same(p.a, p.b)
            )
            if wrong:
                print("  false positives at the default, by reasons: "
                      + ", ".join(f"{codes} {n:,}" for codes, n in wrong.most_common(6)))

            started = time.perf_counter()
            index = DuplicateIndex.build(session)
            built = time.perf_counter() - started
            drafts = _drafts(session, truth, draft_count, seed)
        latencies: list[float] = []
        hits: dict[str, list[tuple[bool, bool]]] = {}
        for kind, draft, duplicate, original in drafts:
            started = time.perf_counter()
            matches = index.likely_duplicates(draft, exclude_id=duplicate)
            latencies.append(time.perf_counter() - started)
            ids = [m.customer_id for m in matches]
            hits.setdefault(kind, []).append((bool(ids) and ids[0] == original, original in ids))
        engine.dispose()
    if latencies:
        ms = [value * 1000 for value in latencies]
        print(f"likely_duplicates: index built in {built:.2f} s; {len(ms)} drafts: p50 {_percentile(ms, 0.5):.1f} ms,"
              f" p95 {_percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms")
        for kind, results in hits.items():
            first = sum(a for a, _b in results) / len(results)
            top5 = sum(b for _a, b in results) / len(results)
            print(f"  {kind:<22} original first {first:.2f}, in top 5 {top5:.2f}  ({len(results)} drafts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drafts", type=int, default=200, help="drafts for the likely_duplicates latency")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, thresholds: certain {CERTAIN}, possible {POSSIBLE}")
    for size in args.sizes:
        run(size, args.seed, args.drafts)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
